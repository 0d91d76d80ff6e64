package io.loopgate.config;

/**
 * Thrown while the configuration is bound or the gateway starts, when a {@code loopgate.*} value is invalid
 * or cannot take effect. It names the property, the value given and what is allowed.
 */
public final class InvalidConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String value;
    private final String expected;

    /**
     * @param property full property name, e.g. {@code loopgate.loop-groups.main.io-ratio}
     * @param value the value given, as text
     * @param expected what is allowed instead
     */
    public InvalidConfigurationException(String property, Object value, String expected) {
        super("Invalid configuration: " + property + " = '" + value + "' (expected: " + expected + ")");
        this.property = property;
        this.value = String.valueOf(value);
        this.expected = expected;
    }

    /** The full name of the offending property. */
    public String property() {
        return property;
    }

    /** The value given. */
    public String value() {
        return value;
    }

    /** What is allowed instead. */
    public String expected() {
        return expected;
    }
}
