package dev.e2bgateway.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator of values from a {@link Random}: the request generators' building block. The
 * seeded tests give it a fixed seed, so a run is reproducible and a failure names its seed.
 */
@FunctionalInterface
interface Gen<T> {

    T next(Random random);

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return r -> f.apply(next(r));
    }

    default Gen<T> filter(Predicate<? super T> keep) {
        return r -> {
            for (int i = 0; i < 1000; i++) {
                T t = next(r);
                if (keep.test(t)) return t;
            }
            throw new IllegalStateException("a filter kept nothing in 1000 tries");
        };
    }

    /** Null with probability {@code p}: an optional field left out. */
    default Gen<T> orNull(double p) {
        return r -> r.nextDouble() < p ? null : next(r);
    }

    default Gen<List<T>> list(int min, int max) {
        return r -> {
            int n = min + r.nextInt(max - min + 1);
            List<T> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(next(r));
            return out;
        };
    }

    default Gen<List<T>> list(int max) {
        return list(0, max);
    }

    static <T> Gen<T> just(T value) {
        return r -> value;
    }

    @SafeVarargs
    static <T> Gen<T> of(T... values) {
        return r -> values[r.nextInt(values.length)];
    }

    static <T> Gen<T> of(List<T> values) {
        return r -> values.get(r.nextInt(values.size()));
    }

    static <E extends Enum<E>> Gen<E> of(Class<E> type) {
        return of(type.getEnumConstants());
    }

    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        return r -> gens[r.nextInt(gens.length)].next(r);
    }

    /** A generator with its weight, for {@link #frequency}. */
    record Weighted<T>(int weight, Gen<? extends T> gen) {
    }

    static <T> Weighted<T> w(int weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    /** A weighted choice among generators. */
    @SafeVarargs
    static <T> Gen<T> frequency(Weighted<? extends T>... choices) {
        int total = 0;
        for (Weighted<? extends T> c : choices) total += c.weight();
        int sum = total;
        return r -> {
            int pick = r.nextInt(sum);
            for (Weighted<? extends T> c : choices) {
                pick -= c.weight();
                if (pick < 0) return c.gen().next(r);
            }
            throw new AssertionError();
        };
    }

    static <A, B> Two<A, B> combine(Gen<A> a, Gen<B> b) {
        return new Two<>(a, b);
    }

    static <A, B, C> Three<A, B, C> combine(Gen<A> a, Gen<B> b, Gen<C> c) {
        return new Three<>(a, b, c);
    }

    static <A, B, C, D> Four<A, B, C, D> combine(Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d) {
        return new Four<>(a, b, c, d);
    }

    static <T> Gen<List<T>> combine(List<Gen<T>> gens) {
        return r -> {
            List<T> out = new ArrayList<>(gens.size());
            for (Gen<T> g : gens) out.add(g.next(r));
            return out;
        };
    }

    record Two<A, B>(Gen<A> a, Gen<B> b) {
        <R> Gen<R> as(java.util.function.BiFunction<A, B, R> f) {
            return r -> f.apply(a.next(r), b.next(r));
        }
    }

    record Three<A, B, C>(Gen<A> a, Gen<B> b, Gen<C> c) {
        interface F<A, B, C, R> {
            R apply(A a, B b, C c);
        }

        <R> Gen<R> as(F<A, B, C, R> f) {
            return r -> f.apply(a.next(r), b.next(r), c.next(r));
        }
    }

    record Four<A, B, C, D>(Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d) {
        interface F<A, B, C, D, R> {
            R apply(A a, B b, C c, D d);
        }

        <R> Gen<R> as(F<A, B, C, D, R> f) {
            return r -> f.apply(a.next(r), b.next(r), c.next(r), d.next(r));
        }
    }

    static Gen<Integer> ints(int min, int max) {
        return r -> (int) (min + Math.floorMod(r.nextLong(), (long) max - min + 1));
    }

    static Gen<Integer> anyInt() {
        return r -> r.nextInt(4) == 0 ? of(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE).next(r) : r.nextInt();
    }

    static Gen<Long> anyLong() {
        return r -> r.nextInt(4) == 0 ? of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE).next(r) : r.nextLong();
    }

    static Gen<Double> anyDouble() {
        return r -> r.nextInt(4) == 0 ? of(0.0, -0.0, 1e308, -1e-308, Double.MIN_VALUE, 0.5).next(r) : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20);
    }

    static Gen<Double> doubles(double min, double max) {
        return r -> min + r.nextDouble() * (max - min);
    }

    static Gen<Byte> anyByte() {
        return r -> (byte) r.nextInt();
    }

    static Gen<byte[]> bytes(int max) {
        return r -> {
            byte[] b = new byte[r.nextInt(max + 1)];
            r.nextBytes(b);
            return b;
        };
    }

    /** Strings of chars in {@code [lo, hi]}, up to {@code max} long. */
    static Gen<String> chars(char lo, char hi, int max) {
        return r -> {
            StringBuilder s = new StringBuilder();
            int n = r.nextInt(max + 1);
            for (int i = 0; i < n; i++) s.append((char) (lo + r.nextInt(hi - lo + 1)));
            return s.toString();
        };
    }

    static Gen<String> ascii(int max) {
        return chars('\u0000', '\u007f', max);
    }

    /** Any chars, lone surrogates included. */
    static Gen<String> anyChars(int max) {
        return chars('\u0000', '\uffff', max);
    }

    static <K, V> Gen<Map<K, V>> maps(Gen<K> keys, Gen<V> values, int max) {
        return r -> {
            Map<K, V> out = new LinkedHashMap<>();
            int n = r.nextInt(max + 1);
            for (int i = 0; i < n; i++) out.put(keys.next(r), values.next(r));
            return out;
        };
    }

    static <T> Gen<List<T>> subsetOf(List<T> values) {
        return r -> values.stream().filter(v -> r.nextBoolean()).toList();
    }
}
