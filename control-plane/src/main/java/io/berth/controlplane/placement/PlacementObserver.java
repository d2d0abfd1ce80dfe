package io.berth.controlplane.placement;

import java.time.Duration;

/**
 * Told of each placement decision (for the metrics). A decision inside a transaction that is retried after a
 * concurrent update may be told twice; that is rare and only skews the counts.
 */
public interface PlacementObserver
{
    PlacementObserver NONE = new PlacementObserver()
    {
        @Override
        public void placed(Duration waited) {}

        @Override
        public void deferred() {}

        @Override
        public void unplaceable() {}
    };

    /** A task got a host, waited since it was created. */
    void placed(Duration waited);

    /** A task fits on no host now and keeps waiting. */
    void deferred();

    /** A task waited past the placement timeout and was stopped. */
    void unplaceable();
}
