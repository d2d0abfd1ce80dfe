package io.berth.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests that scrape /metrics: every line is a
 * HELP, a TYPE or a sample; every sample belongs to the family the last TYPE declared (a histogram's _bucket, _sum
 * and _count, a counter's _total); label names and values are checked and unescaped; a histogram's buckets must be
 * cumulative and its +Inf bucket equal to its count. Anything else fails with the line.
 */
public final class PrometheusText
{
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME.pattern() + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME.pattern() + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE_NAME = Pattern.compile("(" + NAME.pattern() + ")");
    private static final Set<String> HISTOGRAM_SUFFIXES = Set.of("_bucket", "_sum", "_count");

    /** One sample: its name, its labels, its value. */
    public record Sample(String name, Map<String, String> labels, double value)
    {
        public Sample
        {
            requireNonNull(name, "name is null");
            labels = Map.copyOf(labels);
        }
    }

    private final Map<String, String> types;
    private final List<Sample> samples;

    private PrometheusText(Map<String, String> types, List<Sample> samples)
    {
        this.types = Map.copyOf(types);
        this.samples = List.copyOf(samples);
    }

    public static PrometheusText parse(String text)
    {
        Map<String, String> types = new LinkedHashMap<>();
        List<Sample> samples = new ArrayList<>();
        String family = null;
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher help = HELP.matcher(line);
            Matcher type = TYPE.matcher(line);
            if (help.matches()) {
                continue;
            }
            if (type.matches()) {
                if (types.put(type.group(1), type.group(2)) != null) {
                    throw new IllegalArgumentException("line " + number + ": a second TYPE for " + type.group(1));
                }
                family = type.group(1);
                continue;
            }
            if (line.startsWith("#")) {
                throw new IllegalArgumentException("line " + number + ": not a HELP or TYPE comment: " + line);
            }
            Sample sample = sample(line, number);
            if (family == null || !belongs(sample.name(), family, types.get(family))) {
                throw new IllegalArgumentException("line " + number + ": sample " + sample.name() + " outside its family (last TYPE: " + family + ")");
            }
            samples.add(sample);
        }
        PrometheusText parsed = new PrometheusText(types, samples);
        parsed.checkHistograms();
        return parsed;
    }

    private static boolean belongs(String sample, String family, String type)
    {
        if (sample.equals(family)) {
            return !type.equals("histogram");
        }
        if (type.equals("histogram")) {
            return HISTOGRAM_SUFFIXES.stream().anyMatch(suffix -> sample.equals(family + suffix));
        }
        return type.equals("counter") && (sample.equals(family + "_total") || sample.equals(family + "_created"));
    }

    private static Sample sample(String line, int number)
    {
        Matcher nameMatcher = SAMPLE_NAME.matcher(line);
        if (!nameMatcher.lookingAt()) {
            throw new IllegalArgumentException("line " + number + ": no metric name: " + line);
        }
        String name = nameMatcher.group(1);
        int position = nameMatcher.end();
        Map<String, String> labels = new TreeMap<>();
        if (position < line.length() && line.charAt(position) == '{') {
            position++;
            while (line.charAt(position) != '}') {
                int equals = line.indexOf('=', position);
                if (equals < 0) {
                    throw new IllegalArgumentException("line " + number + ": a label without a value: " + line);
                }
                String labelName = line.substring(position, equals);
                if (!LABEL_NAME.matcher(labelName).matches() || line.charAt(equals + 1) != '"') {
                    throw new IllegalArgumentException("line " + number + ": bad label " + labelName + ": " + line);
                }
                StringBuilder value = new StringBuilder();
                int at = equals + 2;
                while (line.charAt(at) != '"') {
                    char c = line.charAt(at);
                    if (c == '\\') {
                        char escaped = line.charAt(at + 1);
                        value.append(switch (escaped) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new IllegalArgumentException("line " + number + ": bad escape \\" + escaped + ": " + line);
                        });
                        at += 2;
                    }
                    else {
                        value.append(c);
                        at++;
                    }
                }
                if (labels.put(labelName, value.toString()) != null) {
                    throw new IllegalArgumentException("line " + number + ": label " + labelName + " twice: " + line);
                }
                position = at + 1;
                if (line.charAt(position) == ',') {
                    position++;
                }
                else if (line.charAt(position) != '}') {
                    throw new IllegalArgumentException("line " + number + ": expected , or } after a label: " + line);
                }
            }
            position++;
        }
        if (position >= line.length() || line.charAt(position) != ' ') {
            throw new IllegalArgumentException("line " + number + ": no value: " + line);
        }
        String[] rest = line.substring(position + 1).split(" ");
        if (rest.length > 2) {
            throw new IllegalArgumentException("line " + number + ": more than a value and a timestamp: " + line);
        }
        if (rest.length == 2 && !rest[1].matches("-?\\d+")) {
            throw new IllegalArgumentException("line " + number + ": bad timestamp: " + line);
        }
        return new Sample(name, labels, value(rest[0], number));
    }

    private static double value(String text, int number)
    {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                }
                catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + number + ": bad value " + text);
                }
            }
        };
    }

    /** Each histogram series: buckets cumulative by le, the +Inf bucket equal to the count. */
    private void checkHistograms()
    {
        types.forEach((family, type) -> {
            if (!type.equals("histogram")) {
                return;
            }
            Map<Map<String, String>, TreeMap<Double, Double>> buckets = new HashMap<>();
            for (Sample sample : samples) {
                if (sample.name().equals(family + "_bucket")) {
                    Map<String, String> series = new TreeMap<>(sample.labels());
                    String le = series.remove("le");
                    if (le == null) {
                        throw new IllegalArgumentException(family + "_bucket without le: " + sample);
                    }
                    buckets.computeIfAbsent(series, ignored -> new TreeMap<>()).put(value(le, 0), sample.value());
                }
            }
            buckets.forEach((series, byBound) -> {
                double previous = 0;
                for (double count : byBound.values()) {
                    if (count < previous) {
                        throw new IllegalArgumentException(family + " buckets are not cumulative for " + series + ": " + byBound);
                    }
                    previous = count;
                }
                Double infinite = byBound.get(Double.POSITIVE_INFINITY);
                double count = value(family + "_count", series).orElseThrow(() -> new IllegalArgumentException(family + "_count missing for " + series));
                if (infinite == null || infinite != count) {
                    throw new IllegalArgumentException(family + " has +Inf bucket " + infinite + " but count " + count + " for " + series);
                }
            });
        });
    }

    /** The declared type of a family (counter, gauge, histogram...), if declared. */
    public java.util.Optional<String> type(String family)
    {
        return java.util.Optional.ofNullable(types.get(family));
    }

    public List<Sample> samples()
    {
        return samples;
    }

    /** The value of the sample with exactly these labels. */
    public java.util.OptionalDouble value(String name, Map<String, String> labels)
    {
        return samples.stream().filter(sample -> sample.name().equals(name) && sample.labels().equals(labels)).mapToDouble(Sample::value).findFirst();
    }

    /** The sum of the samples of this name whose labels include these (0 when none). */
    public double sum(String name, Map<String, String> labels)
    {
        return samples.stream()
                .filter(sample -> sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value)
                .sum();
    }
}
