# placemap in a container: one static binary (pure Go; the GeoPackage
# store needs no cgo), the web map and the Sheffield demo data embedded.
#
#   docker build -t placemap .
#   docker run -p 8080:8080 -v placemap-data:/data placemap              # GeoPackage in the volume
#   docker run -p 8080:8080 -e PLACEMAP_DATABASE_URL=postgres://... placemap   # PostGIS
#
# Configure with PLACEMAP_* variables (see `placemap serve -h`), e.g.
# PLACEMAP_PUBLIC_URL, PLACEMAP_LOG_FORMAT=json, PLACEMAP_TRUST_PROXY_HEADERS=true
# behind a reverse proxy. The first admin: docker exec -it CONTAINER
# placemap user add you@example.org --role admin.
# Health: GET /healthz (alive), GET /readyz (store answers); metrics: GET /metrics.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/placemap ./cmd/placemap
# The data directory, owned by distroless's nonroot user (65532), so a
# fresh volume mounted there is writable.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/placemap /usr/local/bin/placemap
COPY --from=build --chown=65532:65532 /out/data /data
ENV PLACEMAP_ADDR=0.0.0.0:8080 \
    PLACEMAP_DATA=/data \
    PLACEMAP_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
# SIGTERM stops it gracefully (PLACEMAP_SHUTDOWN_TIMEOUT, default 10s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/placemap"]
CMD ["serve"]
