package io.batchwise.runtime;

/** The named model or version is not in the repository: mapped to 404. */
public class ModelNotFound extends RuntimeException {
    public ModelNotFound(String message) {
        super(message);
    }
}
