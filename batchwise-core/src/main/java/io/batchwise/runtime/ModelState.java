package io.batchwise.runtime;

/** Lifecycle of a model in the registry. */
public enum ModelState { LOADING, READY, FAILED, UNLOADING, UNAVAILABLE }
