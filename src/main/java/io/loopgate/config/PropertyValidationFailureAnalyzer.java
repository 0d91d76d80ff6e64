package io.loopgate.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Reports Bean Validation failures of {@code loopgate.*} under the property names users write
 * ({@code loopgate.loop-groups.main.io-ratio}), where Boot's own analyzer prints the Java path of record
 * components ({@code loopgate.loopGroups[main].ioRatio}).
 */
final class PropertyValidationFailureAnalyzer extends AbstractFailureAnalyzer<BindValidationException>
        implements Ordered {

    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
    private static final Pattern MAP_KEY = Pattern.compile("\\[([^\\]0-9][^\\]]*)\\]");

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindValidationException cause) {
        String prefix = cause.getValidationErrors().getName().toString();
        if (!prefix.startsWith("loopgate")) {
            return null;
        }
        StringBuilder description = new StringBuilder("Loopgate cannot start: invalid configuration.\n");
        for (ObjectError error : cause.getValidationErrors().getAllErrors()) {
            if (error instanceof FieldError field) {
                description.append("\n    Property: ").append(propertyName(prefix, field.getField()))
                        .append("\n    Value: \"").append(field.getRejectedValue()).append('"')
                        .append("\n    Reason: ").append(field.getDefaultMessage()).append('\n');
            }
            else {
                description.append("\n    ").append(error.getDefaultMessage()).append('\n');
            }
        }
        return new FailureAnalysis(description.toString(),
                "Change each property above to a value its reason allows.", cause);
    }

    /** {@code loopgate} + {@code loopGroups[main].ioRatio} becomes {@code loopgate.loop-groups.main.io-ratio}. */
    static String propertyName(String prefix, String field) {
        String kebab = CAMEL.matcher(field).replaceAll("$1-$2").toLowerCase();
        Matcher key = MAP_KEY.matcher(kebab);
        return prefix + "." + key.replaceAll(".$1");
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
