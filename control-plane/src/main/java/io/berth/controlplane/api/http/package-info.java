/**
 * The HTTP server of the control plane's API: AWS JSON 1.1 on {@code POST /} dispatched by X-Amz-Target to an
 * {@link io.berth.controlplane.api.EcsAction}, Berth's admin endpoints under {@code /berth/}, SigV4
 * verification for both, a request rate per account (ThrottlingException past it, as from AWS), and every
 * failure in the ECS error shape with a request id. Built on the JDK's
 * HttpServer with one virtual thread per request.
 */
package io.berth.controlplane.api.http;
