package io.batchwise.runtime;

/** The model exists but cannot serve (failed to load, unloading): mapped to 503. */
public class ModelNotReady extends RuntimeException {
    public ModelNotReady(String message) {
        super(message);
    }
}
