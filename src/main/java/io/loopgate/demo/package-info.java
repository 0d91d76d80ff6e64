/** The built-in demo upstreams used by the default configuration: an HTTP server and a TCP echo server. */
package io.loopgate.demo;
