package dev.sage.check;

import java.util.List;
import java.util.Map;

/** The parameter values of one use of a check, already validated against its {@link Param}s by the loader. */
public record Params(Map<String, Object> values) {
    public Params {
        values = Map.copyOf(values);
    }

    public long integer(String name) {
        return ((Number) values.get(name)).longValue();
    }

    public double number(String name) {
        return ((Number) values.get(name)).doubleValue();
    }

    public String string(String name) {
        return (String) values.get(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(String name) {
        return (List<String>) values.get(name);
    }

    public boolean bool(String name) {
        return (Boolean) values.get(name);
    }
}
