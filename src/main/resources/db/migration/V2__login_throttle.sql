-- Failed login attempts per key (a username or a client address), in a fixed window, shared by all nodes.
CREATE TABLE login_failure (
    throttle_key VARCHAR(400) PRIMARY KEY,
    failures     INT          NOT NULL,
    window_start BIGINT       NOT NULL
);
