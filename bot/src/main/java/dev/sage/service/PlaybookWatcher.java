package dev.sage.service;

import dev.sage.playbook.TeamCatalogue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reloads a {@link TeamCatalogue} when its directories change: an edit, a file added or removed, a ConfigMap update
 * (which swaps the directory's {@code ..data} link). Changes are debounced: the reload waits until the directory has
 * been quiet for {@code quiet}, so that an editor's several writes or a ConfigMap's link swap reload once. It also
 * rereads every {@code rescan}, for what a directory watch cannot see (a link to a file elsewhere, a directory created
 * after the start); a reread of unchanged files parses nothing.
 *
 * <p>One daemon thread; {@code onReload} is called on it with each reload that changed something, and must not
 * throw. Thread-safe; {@link #close()} stops the thread.
 */
public final class PlaybookWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlaybookWatcher.class);

    private final TeamCatalogue catalogue;
    private final WatchService watch;
    private final Thread thread;
    private volatile boolean closed;

    public PlaybookWatcher(TeamCatalogue catalogue, Duration quiet, Duration rescan, Consumer<TeamCatalogue.Reload> onReload)
            throws IOException {
        this.catalogue = catalogue;
        this.watch = FileSystems.getDefault().newWatchService();
        for (Path dir : catalogue.dirs()) {
            try {
                dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
            } catch (IOException e) {
                LOG.warn("cannot watch the playbook directory {} ({}); it is read again every {} s", dir, e.getMessage(),
                        rescan.toSeconds());
            }
        }
        this.thread = new Thread(() -> loop(quiet, rescan, onReload), "sage-playbook-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Duration quiet, Duration rescan, Consumer<TeamCatalogue.Reload> onReload) {
        try {
            while (!closed) {
                WatchKey key = watch.poll(rescan.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    drain(key);
                    // quiet: wait until nothing more happens for a while
                    WatchKey more;
                    while ((more = watch.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                        drain(more);
                    }
                }
                TeamCatalogue.Reload r = catalogue.reload();
                if (!r.isEmpty()) {
                    r.changes().forEach(c -> LOG.info("team playbooks: {}", c));
                    r.refused().forEach(c -> LOG.warn("team playbook refused: {}", c));
                    try {
                        onReload.accept(r);
                    } catch (RuntimeException e) {
                        LOG.warn("telling of a playbook reload failed", e);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        } catch (RuntimeException e) {
            LOG.error("the playbook watcher stopped; team playbooks are no longer reloaded", e);
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    @Override
    public void close() {
        closed = true;
        try {
            watch.close();
        } catch (IOException e) {
            // closing
        }
        thread.interrupt();
    }
}
