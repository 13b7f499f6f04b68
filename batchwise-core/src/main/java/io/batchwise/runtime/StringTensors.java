package io.batchwise.runtime;

import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Conversion between BYTES tensors (length-prefixed elements) and ONNX Runtime string tensors. */
final class StringTensors {
    private StringTensors() {
    }

    static String[] decode(List<Tensor> parts) {
        List<String> out = new ArrayList<>();
        for (Tensor t : parts) {
            ByteBuffer b = t.data();
            while (b.hasRemaining()) {
                byte[] s = new byte[b.getInt()];
                b.get(s);
                out.add(new String(s, StandardCharsets.UTF_8));
            }
        }
        return out.toArray(new String[0]);
    }

    static Tensor encode(String name, String[] values, long[] shape) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (String v : values) {
            byte[] s = v.getBytes(StandardCharsets.UTF_8);
            len.clear();
            len.putInt(s.length);
            bytes.write(len.array(), 0, 4);
            bytes.write(s, 0, s.length);
        }
        return Tensor.of(name, DataType.BYTES, shape, ByteBuffer.wrap(bytes.toByteArray()));
    }

    static void flatten(Object value, List<String> out) {
        if (value instanceof String s) {
            out.add(s);
        } else if (value != null && value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                flatten(Array.get(value, i), out);
            }
        }
    }
}
