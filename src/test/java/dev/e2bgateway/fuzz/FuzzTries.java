package dev.e2bgateway.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Longer fuzzing runs by a flag: {@code -Dfuzz.tries=100000} sets the tries of every parser
 * property (each property's {@code @Property(tries = ...)} is its bounded CI budget). The
 * properties that go over HTTP are slower per try: they take {@code -Dfuzz.http.tries}, by
 * default a twentieth of {@code fuzz.tries}.
 */
public class FuzzTries implements AroundPropertyHook {

    static final String TRIES = "fuzz.tries";
    static final String HTTP_TRIES = "fuzz.http.tries";

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Integer tries = tries();
        if (tries != null) context.attributes().setTries(tries);
        return property.execute();
    }

    /** Registered on a test class, it applies to every property in it. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    Integer tries() {
        return Integer.getInteger(TRIES);
    }

    /** The budget of a property that sends every try over HTTP. */
    public static final class OverHttp extends FuzzTries {
        @Override
        Integer tries() {
            Integer http = Integer.getInteger(HTTP_TRIES);
            if (http != null) return http;
            Integer all = Integer.getInteger(TRIES);
            return all == null ? null : Math.max(1, all / 20);
        }
    }
}
