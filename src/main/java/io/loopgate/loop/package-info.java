/**
 * Event-loop groups: construction of Netty's epoll (or nio) groups with their trigger mode, events per wait,
 * io ratio and wait strategy, the Reactor Netty {@link reactor.netty.resources.LoopResources} that put every
 * channel of a listener on its group, and per-loop instrumentation. This is the only package that touches
 * Netty's event-loop internals or imports {@code io.netty.channel.epoll}, so a port to Netty 4.2 stays here.
 */
package io.loopgate.loop;
