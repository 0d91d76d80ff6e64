package io.loopgate.proxy.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Sets {@code X-Forwarded-For}, {@code -Proto} and {@code -Host}. A peer inside the listener's trusted proxies
 * has its values extended (For) or kept (Proto, Host); anyone else has them replaced, so a client cannot forge
 * its address.
 */
final class ForwardedHeaders {

    static final String FOR = "x-forwarded-for";
    static final String PROTO = "x-forwarded-proto";
    static final String HOST = "x-forwarded-host";

    private final List<IpSubnetFilterRule> trusted;

    ForwardedHeaders(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(ForwardedHeaders::rule).toList();
    }

    private static IpSubnetFilterRule rule(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        int prefix = slash < 0 ? (address.indexOf(':') >= 0 ? 128 : 32) : Integer.parseInt(cidr.substring(slash + 1));
        return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
    }

    boolean isTrusted(InetSocketAddress peer) {
        for (IpSubnetFilterRule rule : trusted) {
            if (rule.matches(peer)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the three headers into {@code out} given the inbound headers {@code in} (already copied into
     * {@code out}), the peer and the inbound Host.
     */
    void apply(HttpHeaders in, HttpHeaders out, InetSocketAddress peer, String host) {
        String peerAddress = peer == null ? "unknown"
                : peer.getAddress() != null ? peer.getAddress().getHostAddress() : peer.getHostString();
        boolean trust = peer != null && !trusted.isEmpty() && isTrusted(peer);
        String incomingFor = trust ? joined(in, FOR) : null;
        out.set(FOR, incomingFor == null ? peerAddress : incomingFor + ", " + peerAddress);
        String incomingProto = trust ? in.get(PROTO) : null;
        out.set(PROTO, incomingProto == null ? "http" : incomingProto);
        String incomingHost = trust ? in.get(HOST) : null;
        if (incomingHost != null) {
            out.set(HOST, incomingHost);
        }
        else if (host != null) {
            out.set(HOST, host);
        }
        else {
            out.remove(HOST);
        }
    }

    private static String joined(HttpHeaders headers, String name) {
        List<String> values = headers.getAll(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }
}
