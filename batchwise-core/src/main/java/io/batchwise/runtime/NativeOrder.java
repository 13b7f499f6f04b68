package io.batchwise.runtime;

import java.nio.ByteBuffer;

/** Byte swapping for big-endian hosts, where ONNX Runtime buffers are not little-endian. */
final class NativeOrder {
    private NativeOrder() {
    }

    static void copySwapped(ByteBuffer src, ByteBuffer dst, int elementSize) {
        byte[] element = new byte[elementSize];
        while (src.remaining() >= elementSize) {
            src.get(element);
            for (int i = elementSize - 1; i >= 0; i--) {
                dst.put(element[i]);
            }
        }
    }
}
