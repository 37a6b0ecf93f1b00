package dev.kiln.scheduler;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A read-only map over parallel key and value arrays, iterating in array order. A pass collects its results into
 * arrays and hands them to {@link Decision} through this view, so each result map is built once (by Decision's
 * copy) instead of twice — at 10,000 workloads the hash-map building is a fair share of a pass.
 */
final class ArrayMapView<V> extends AbstractMap<String, V> {
    private final String[] keys;
    private final Object[] values;
    private final int size;

    ArrayMapView(String[] keys, Object[] values, int size) {
        this.keys = keys;
        this.values = values;
        this.size = size;
    }

    @Override
    public Set<Map.Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    @SuppressWarnings("unchecked") // values holds only V, written by the pass
                    public Map.Entry<String, V> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int at = next++;
                        return new AbstractMap.SimpleImmutableEntry<>(keys[at], (V) values[at]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
