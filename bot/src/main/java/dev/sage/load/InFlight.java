package dev.sage.load;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Requests for the same thing while one is already under way join it: the first starts the work, later ones are added
 * to its subscribers, and all of them get the one answer. Once the work lands, the next request starts afresh.
 *
 * <p>Thread-safe.
 *
 * @param <K> what makes two requests the same
 * @param <S> a subscriber: where one of the requests wants its answer
 */
public final class InFlight<K, S> {
    /** The subscribers of one piece of work, in the order they came; read it while others join. */
    public static final class Flight<S> {
        private final List<S> subscribers = new CopyOnWriteArrayList<>();

        /** Everyone waiting for this work so far. */
        public List<S> subscribers() {
            return subscribers;
        }
    }

    /**
     * A request's place in a flight.
     *
     * @param first true when this request started the flight and must start the work; false when it joined work under way
     */
    public record Joined<S>(Flight<S> flight, boolean first) {}

    private final Map<K, Flight<S>> flights = new HashMap<>();

    /** Joins the work for {@code key} if it is under way, or starts a flight with {@code subscriber} first. */
    public synchronized Joined<S> join(K key, S subscriber) {
        Flight<S> f = flights.get(key);
        boolean first = f == null;
        if (first) {
            f = new Flight<>();
            flights.put(key, f);
        }
        f.subscribers.add(subscriber);
        return new Joined<>(f, first);
    }

    /** Ends the work for {@code key}: returns everyone who waited for it; a later join starts afresh. */
    public synchronized List<S> land(K key) {
        Flight<S> f = flights.remove(key);
        return f == null ? List.of() : List.copyOf(f.subscribers);
    }

    /** How many pieces of work are under way. */
    public synchronized int size() {
        return flights.size();
    }
}
