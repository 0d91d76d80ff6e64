package io.loopgate.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an {@link InvalidConfigurationException} anywhere in a start-up failure into a short explanation. */
final class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        return new FailureAnalysis(
                "Loopgate cannot start: property '" + cause.property() + "' has the value '" + cause.value()
                        + "', which is not allowed.",
                "Set '" + cause.property() + "' to " + cause.expected() + ".",
                cause);
    }
}
