package io.berth.controlplane.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses the subset of the ECS cluster query language that memberOf constraints use:
 * <pre>
 *   expression := term (("or" | "||") term)*
 *   term       := factor (("and" | "&&") factor)*
 *   factor     := ("not" | "!") factor | "(" expression ")" | condition
 *   condition  := subject ("==" | "!=") value
 *               | subject ["not"] "in" "[" value ("," value)* "]"
 *               | subject ("exists" | "!exists" | "not" "exists")
 *   subject    := attribute:NAME | instanceId | ec2InstanceId
 *   value      := a bare word (letters, digits, . _ - : / *) or a 'single' or "double" quoted string
 * </pre>
 * A host without the attribute fails {@code ==} and {@code in} and passes {@code !=} and {@code not in}.
 */
public final class ClusterQueryParser
{
    private final String text;
    private final List<Token> tokens;
    private int position;

    private record Token(Kind kind, String text, int offset) {}

    private enum Kind
    {
        WORD, QUOTED, OPERATOR, OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA, END
    }

    private ClusterQueryParser(String text)
    {
        this.text = text;
        this.tokens = tokenize(text);
    }

    /** Throws {@link PlacementExpressionException} saying where and what is wrong. */
    public static HostPredicate parse(String expression)
    {
        if (expression == null || expression.isBlank()) {
            throw new PlacementExpressionException("memberOf needs an expression, e.g. attribute:ecs.availability-zone in [zone-a, zone-b].");
        }
        ClusterQueryParser parser = new ClusterQueryParser(expression);
        HostPredicate predicate = parser.expression();
        if (parser.peek().kind() != Kind.END) {
            throw parser.error("unexpected '" + parser.peek().text() + "'");
        }
        return predicate;
    }

    private HostPredicate expression()
    {
        List<HostPredicate> operands = new ArrayList<>();
        operands.add(term());
        while (isKeyword(peek(), "or") || isOperator(peek(), "||")) {
            position++;
            operands.add(term());
        }
        return operands.size() == 1 ? operands.getFirst() : new HostPredicate.Or(operands);
    }

    private HostPredicate term()
    {
        List<HostPredicate> operands = new ArrayList<>();
        operands.add(factor());
        while (isKeyword(peek(), "and") || isOperator(peek(), "&&")) {
            position++;
            operands.add(factor());
        }
        return operands.size() == 1 ? operands.getFirst() : new HostPredicate.And(operands);
    }

    private HostPredicate factor()
    {
        Token token = peek();
        if (isKeyword(token, "not") || isOperator(token, "!")) {
            position++;
            return new HostPredicate.Not(factor());
        }
        if (token.kind() == Kind.OPEN_PAREN) {
            position++;
            HostPredicate inner = expression();
            expect(Kind.CLOSE_PAREN, "')'");
            return inner;
        }
        return condition();
    }

    private HostPredicate condition()
    {
        HostPredicate.Subject subject = subject();
        Token token = next();
        if (isOperator(token, "==") || isOperator(token, "!=")) {
            return new HostPredicate.Equals(subject, value(), token.text().equals("!="));
        }
        if (isKeyword(token, "in")) {
            return new HostPredicate.In(subject, list(), false);
        }
        if (isKeyword(token, "exists")) {
            return new HostPredicate.Exists(subject, false);
        }
        if (isOperator(token, "!") && isKeyword(peek(), "exists")) {
            position++;
            return new HostPredicate.Exists(subject, true);
        }
        if (isKeyword(token, "not")) {
            Token after = next();
            if (isKeyword(after, "in")) {
                return new HostPredicate.In(subject, list(), true);
            }
            if (isKeyword(after, "exists")) {
                return new HostPredicate.Exists(subject, true);
            }
            position--;
            throw error("expected 'in' or 'exists' after 'not'");
        }
        position--;
        throw error("expected ==, !=, in, not in or exists after the attribute");
    }

    private HostPredicate.Subject subject()
    {
        Token token = next();
        if (token.kind() == Kind.WORD) {
            String lower = token.text().toLowerCase(Locale.ROOT);
            if (lower.equals("instanceid") || lower.equals("ec2instanceid")) {
                return HostPredicate.Subject.INSTANCE_ID;
            }
            if (token.text().startsWith("attribute:") && token.text().length() > "attribute:".length()) {
                return new HostPredicate.Subject(token.text().substring("attribute:".length()));
            }
        }
        position--;
        throw error("expected attribute:NAME or instanceId");
    }

    private Set<String> list()
    {
        expect(Kind.OPEN_BRACKET, "'['");
        Set<String> values = new LinkedHashSet<>();
        values.add(value());
        while (peek().kind() == Kind.COMMA) {
            position++;
            values.add(value());
        }
        expect(Kind.CLOSE_BRACKET, "']'");
        return values;
    }

    private String value()
    {
        Token token = next();
        if (token.kind() == Kind.WORD || token.kind() == Kind.QUOTED) {
            return token.text();
        }
        position--;
        throw error("expected a value");
    }

    private void expect(Kind kind, String description)
    {
        if (peek().kind() != kind) {
            throw error("expected " + description);
        }
        position++;
    }

    private Token peek()
    {
        return tokens.get(Math.min(position, tokens.size() - 1));
    }

    /** Moves past the current token; past the end it keeps answering END, and position-- steps back correctly. */
    private Token next()
    {
        Token token = peek();
        position++;
        return token;
    }

    private PlacementExpressionException error(String problem)
    {
        Token token = peek();
        String where = token.kind() == Kind.END ? "at the end" : "at position " + (token.offset() + 1);
        return new PlacementExpressionException("Cannot parse memberOf expression '" + text + "': " + problem + " " + where
                + ". Use e.g. attribute:ecs.availability-zone in [zone-a, zone-b] and attribute:disk == ssd.");
    }

    private static boolean isKeyword(Token token, String keyword)
    {
        return token.kind() == Kind.WORD && token.text().equalsIgnoreCase(keyword);
    }

    private static boolean isOperator(Token token, String operator)
    {
        return token.kind() == Kind.OPERATOR && token.text().equals(operator);
    }

    private List<Token> tokenize(String input)
    {
        List<Token> result = new ArrayList<>();
        int index = 0;
        while (index < input.length()) {
            char c = input.charAt(index);
            if (Character.isWhitespace(c)) {
                index++;
                continue;
            }
            int start = index;
            switch (c) {
                case '(' -> result.add(new Token(Kind.OPEN_PAREN, "(", index++));
                case ')' -> result.add(new Token(Kind.CLOSE_PAREN, ")", index++));
                case '[' -> result.add(new Token(Kind.OPEN_BRACKET, "[", index++));
                case ']' -> result.add(new Token(Kind.CLOSE_BRACKET, "]", index++));
                case ',' -> result.add(new Token(Kind.COMMA, ",", index++));
                case '\'', '"' -> {
                    int end = input.indexOf(c, index + 1);
                    if (end < 0) {
                        throw new PlacementExpressionException("Cannot parse memberOf expression '" + input + "': the quote at position "
                                + (index + 1) + " is never closed.");
                    }
                    result.add(new Token(Kind.QUOTED, input.substring(index + 1, end), start));
                    index = end + 1;
                }
                case '=', '!', '&', '|' -> {
                    String two = index + 1 < input.length() ? input.substring(index, index + 2) : "";
                    if (two.equals("==") || two.equals("!=") || two.equals("&&") || two.equals("||")) {
                        result.add(new Token(Kind.OPERATOR, two, start));
                        index += 2;
                    }
                    else if (c == '!') {
                        result.add(new Token(Kind.OPERATOR, "!", index++));
                    }
                    else {
                        throw new PlacementExpressionException("Cannot parse memberOf expression '" + input + "': unexpected '" + c
                                + "' at position " + (index + 1) + " (use ==, !=, and, or, not).");
                    }
                }
                default -> {
                    while (index < input.length() && isWordCharacter(input.charAt(index))) {
                        index++;
                    }
                    if (index == start) {
                        throw new PlacementExpressionException("Cannot parse memberOf expression '" + input + "': unexpected '" + c
                                + "' at position " + (index + 1) + ".");
                    }
                    result.add(new Token(Kind.WORD, input.substring(start, index), start));
                }
            }
        }
        result.add(new Token(Kind.END, "", input.length()));
        return result;
    }

    private static boolean isWordCharacter(char c)
    {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == ':' || c == '/' || c == '*';
    }
}
