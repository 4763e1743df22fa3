# syntax=docker/dockerfile:1
# Build a static binary, then run it as an unprivileged user with nothing
# else in the image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/jiesu ./cmd/jiesu \
 && mkdir -p /out/data /out/etc \
 && cp configs/jiesu.example.yaml /out/etc/jiesu.yaml

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/jiesu /usr/local/bin/jiesu
COPY --from=build --chown=nonroot:nonroot /out/etc/jiesu.yaml /etc/jiesu/jiesu.yaml
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV JIESU_CONFIG=/etc/jiesu/jiesu.yaml \
    JIESU_DATA_DIR=/data \
    JIESU_LISTEN=:8080
USER nonroot:nonroot
VOLUME ["/etc/jiesu", "/data"]
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/jiesu"]
CMD ["serve"]
