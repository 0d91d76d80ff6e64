/**
 * TCP (L4) listeners: every accepted connection is forwarded, both directions, to a backend of the listener's
 * upstream on the same event loop, by copying buffers with Reactor demand as backpressure or, with
 * {@code splice: true} on a level-triggered loop group, inside the kernel with {@code splice(2)}. Half-close is
 * propagated, a close or reset on one side closes the other, idle connections are closed.
 */
package io.loopgate.proxy.tcp;
