package dev.e2bgateway.state;

import java.util.Map;

/**
 * Which upstream routes sit out the host's daily limit, and until when (Unix ms): a gateway that
 * meets a route's limit marks it, and every gateway sharing the marks (through Redis) leaves that
 * route alone until its reset. Without Redis each gateway learns it for itself.
 */
public interface RouteMarks {

    /** Marks {@code route} as sitting out until {@code untilMillis}. */
    void sitOut(String route, long untilMillis);

    /** The routes marked now, with their end times. */
    Map<String, Long> marked();

    /** No sharing: each gateway keeps its own. */
    RouteMarks NONE = new RouteMarks() {
        @Override
        public void sitOut(String route, long untilMillis) {
        }

        @Override
        public Map<String, Long> marked() {
            return Map.of();
        }
    };
}
