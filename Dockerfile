# syntax=docker/dockerfile:1
# Build a static binary on the builder's own platform for the target one
# (docker buildx build --platform linux/amd64,linux/arm64 …), then run it
# as an unprivileged user with nothing else in the image.
#
#   docker build --build-arg VERSION=v1.0.0 --build-arg COMMIT=$(git rev-parse HEAD) -t jiesu .
#   docker run -v ./jiesu.yaml:/etc/jiesu/jiesu.yaml:ro -v jiesu-data:/data -p 8080:8080 jiesu
#
# The image carries no configuration: bind-mount your own file at
# /etc/jiesu/jiesu.yaml (or point JIESU_CONFIG elsewhere). Only /data is a
# volume.
FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=""
ARG COMMIT=""
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \
      -ldflags="-s -w -X github.com/jiesu/jiesu/internal/version.version=${VERSION} -X github.com/jiesu/jiesu/internal/version.commit=${COMMIT}" \
      -o /out/jiesu ./cmd/jiesu \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=""
ARG COMMIT=""
LABEL org.opencontainers.image.title="jiesu" \
      org.opencontainers.image.description="接诉即办: a university's complaint-handling service" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.source="https://github.com/jiesu/jiesu" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/jiesu /usr/local/bin/jiesu
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV JIESU_CONFIG=/etc/jiesu/jiesu.yaml \
    JIESU_DATA_DIR=/data \
    JIESU_LISTEN=:8080
USER nonroot:nonroot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/jiesu", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/jiesu"]
CMD ["serve"]
