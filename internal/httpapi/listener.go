package httpapi

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/placemap/placemap/internal/store"
)

// listenerSource is what a store watching its data version on a
// connection of its own (PostGIS) adds to its Health role: how that
// connection stands.
type listenerSource interface {
	Listener() (store.ListenerState, bool)
}

// listenerOf is the store's data version listener, nil when it has none.
func listenerOf(h HealthStore) listenerSource {
	if ls, ok := h.(listenerSource); ok {
		if _, on := ls.Listener(); on {
			return ls
		}
	}
	return nil
}

// listenerReport is /readyz's account of the listener. It does not make
// the server unready: while it is down every request reads the version.
func listenerReport(st store.ListenerState) map[string]any {
	return map[string]any{"listening": st.Listening, "reconnects": st.Reconnects}
}

// newListenerCollectors report the listener to Prometheus when scraped.
func newListenerCollectors(src listenerSource) []prometheus.Collector {
	state := func() store.ListenerState { st, _ := src.Listener(); return st }
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "placemap_db_version_listener_listening",
			Help: "1 while the data version is answered from memory (its listener's connection LISTENs), 0 while every request reads it."},
			func() float64 {
				if state().Listening {
					return 1
				}
				return 0
			}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "placemap_db_version_listener_reconnects_total",
			Help: "Times the data version listener's connection was made again after it was lost."},
			func() float64 { return float64(state().Reconnects) }),
	}
}
