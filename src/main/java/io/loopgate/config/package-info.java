/**
 * Typed, validated configuration for everything under {@code loopgate.*}: loop groups, listeners, upstreams,
 * routes, shutdown and the built-in demo. Cross-field rules live in {@link io.loopgate.config.ConfigurationRules};
 * every violation is an {@link io.loopgate.config.InvalidConfigurationException} naming the property.
 */
package io.loopgate.config;
