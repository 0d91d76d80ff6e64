package io.loopgate.config;

/**
 * A backend's {@code host:port} ({@code [v6]:port} for IPv6 literals), parsed and checked.
 *
 * @param host host name or address literal, without brackets
 * @param port TCP port, 1..65535
 */
public record BackendAddress(String host, int port) {

    /** Parses {@code text}; {@code property} names the setting in the error when it is malformed. */
    public static BackendAddress parse(String property, String text) {
        String expected = "host:port with a port in 1..65535, e.g. 10.0.0.5:8080 or [fd00::1]:8080";
        if (text == null) {
            throw new InvalidConfigurationException(property, null, expected);
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new InvalidConfigurationException(property, text, expected);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        else if (host.indexOf(':') >= 0) {
            throw new InvalidConfigurationException(property, text, expected);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        }
        catch (NumberFormatException e) {
            throw new InvalidConfigurationException(property, text, expected);
        }
        if (host.isBlank() || port < 1 || port > 65535) {
            throw new InvalidConfigurationException(property, text, expected);
        }
        return new BackendAddress(host, port);
    }

    /** {@code host:port} as used in an HTTP authority. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
