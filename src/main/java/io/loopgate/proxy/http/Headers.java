package io.loopgate.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Hop-by-hop header rules (RFC 9110 §7.6.1), applied to requests and responses alike. */
final class Headers {

    private static final Set<AsciiString> HOP_BY_HOP = Set.of(
            AsciiString.cached("connection"), AsciiString.cached("keep-alive"),
            AsciiString.cached("proxy-connection"), AsciiString.cached("proxy-authenticate"),
            AsciiString.cached("proxy-authorization"), AsciiString.cached("te"), AsciiString.cached("trailer"),
            AsciiString.cached("transfer-encoding"), AsciiString.cached("upgrade"));

    private Headers() {
    }

    /** Copies {@code from} into {@code to}, leaving out hop-by-hop fields and every field named in Connection. */
    static void copyEndToEnd(HttpHeaders from, HttpHeaders to) {
        Set<String> named = connectionTokens(from);
        Iterator<Map.Entry<CharSequence, CharSequence>> it = from.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            AsciiString name = AsciiString.of(header.getKey()).toLowerCase();
            if (HOP_BY_HOP.contains(name) || (named != null && named.contains(name.toString()))) {
                continue;
            }
            to.add(name, header.getValue());
        }
    }

    private static Set<String> connectionTokens(HttpHeaders headers) {
        Set<String> tokens = null;
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    if (tokens == null) {
                        tokens = new HashSet<>();
                    }
                    tokens.add(t);
                }
            }
        }
        return tokens;
    }
}
