package io.loopgate.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * An HTTP match rule ({@code loopgate.routes[i]}); all its predicates must hold.
 *
 * @param id name used in metrics and error bodies
 * @param listener the http listener the route belongs to
 * @param host {@code *} (any), an exact host, or {@code *.suffix}; case-insensitive, port ignored
 * @param path Ant-style path pattern
 * @param methods allowed methods; empty means any
 * @param headers request headers that must be present with exactly these values
 * @param upstream where matching requests go
 * @param preserveHost forward the client's {@code Host}; when false the backend's {@code host:port} is sent
 * @param stripPrefix number of leading path segments removed before forwarding
 * @param requestHeaders headers added to and removed from the forwarded request
 * @param responseHeaders headers added to and removed from the response sent to the client
 */
public record RouteProperties(
        @NotBlank String id,
        @NotBlank String listener,
        @DefaultValue("*") String host,
        @DefaultValue("/**") String path,
        List<String> methods,
        Map<String, String> headers,
        @NotBlank String upstream,
        @DefaultValue("true") boolean preserveHost,
        @DefaultValue("0") @Min(0) int stripPrefix,
        @Valid @DefaultValue HeaderRules requestHeaders,
        @Valid @DefaultValue HeaderRules responseHeaders) {

    public RouteProperties {
        methods = methods == null ? List.of() : List.copyOf(methods);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /**
     * Header edits.
     *
     * @param add headers set (replacing any value) on the message
     * @param remove header names removed from the message
     */
    public record HeaderRules(Map<String, String> add, List<String> remove) {
        public HeaderRules {
            add = add == null ? Map.of() : Map.copyOf(add);
            remove = remove == null ? List.of() : List.copyOf(remove);
        }
    }
}
