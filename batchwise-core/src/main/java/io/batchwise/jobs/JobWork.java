package io.batchwise.jobs;

/**
 * A running batch's private state: the ids its output and error files will be published under,
 * its checkpoint, and (while finalizing) the status it ends in.
 */
record JobWork(String outputFileId, String errorFileId, Checkpoint checkpoint, BatchStatus outcome) {
}
