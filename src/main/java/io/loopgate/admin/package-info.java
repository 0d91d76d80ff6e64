/** Actuator endpoints on the management port: {@code loops} and {@code routes}. */
package io.loopgate.admin;
