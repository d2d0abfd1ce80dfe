package io.berth.controlplane.logs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterPatternTest
{
    @Test
    void emptyPatternMatchesEverything()
    {
        assertThat(FilterPattern.parse(null).matches("anything")).isTrue();
        assertThat(FilterPattern.parse("  ").matches("")).isTrue();
    }

    @Test
    void plainTermsMustAllAppearCaseSensitively()
    {
        FilterPattern pattern = FilterPattern.parse("ERROR disk");
        assertThat(pattern.matches("ERROR: disk full")).isTrue();
        assertThat(pattern.matches("ERROR: memory")).isFalse();
        assertThat(pattern.matches("error: disk full")).isFalse();
    }

    @Test
    void quotedPhrasesMatchAsAWholeWithSpacesAndEscapes()
    {
        FilterPattern pattern = FilterPattern.parse("\"request served\" \"say \\\"hi\\\"\"");
        assertThat(pattern.matches("INFO request served; say \"hi\"")).isTrue();
        assertThat(pattern.matches("INFO request was served; say \"hi\"")).isFalse();
        assertThat(FilterPattern.parse("\"a:b\"").matches("x a:b y")).isTrue();
    }

    @Test
    void excludedTermsMustNotAppear()
    {
        FilterPattern pattern = FilterPattern.parse("request -slow");
        assertThat(pattern.matches("request served")).isTrue();
        assertThat(pattern.matches("slow request")).isFalse();
    }

    @Test
    void questionMarkTermsMatchAnyOfThem()
    {
        FilterPattern pattern = FilterPattern.parse("?WARN ?\"disk full\"");
        assertThat(pattern.matches("WARN slow")).isTrue();
        assertThat(pattern.matches("ERROR disk full")).isTrue();
        assertThat(pattern.matches("INFO ok")).isFalse();
    }

    @Test
    void unsupportedPatternsAreRefusedByName()
    {
        assertThatThrownBy(() -> FilterPattern.parse("{ $.level = \"ERROR\" }")).isInstanceOf(LogsException.class).hasMessageContaining("JSON filter patterns");
        assertThatThrownBy(() -> FilterPattern.parse("[ip, user, ...]")).hasMessageContaining("space-delimited");
        assertThatThrownBy(() -> FilterPattern.parse("%ERR.*%")).hasMessageContaining("regular-expression");
        assertThatThrownBy(() -> FilterPattern.parse("?WARN ERROR")).hasMessageContaining("?terms mixed");
        assertThatThrownBy(() -> FilterPattern.parse("\"unclosed")).hasMessageContaining("not closed");
        assertThatThrownBy(() -> FilterPattern.parse("ok - x")).hasMessageContaining("must be followed by a term");
    }
}
