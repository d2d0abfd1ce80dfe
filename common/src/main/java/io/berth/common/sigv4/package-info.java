/**
 * AWS Signature Version 4: computing a signature (the berth CLI signs its requests) and the pieces the
 * control plane uses to verify one. One implementation, so the client and the server cannot drift apart.
 */
package io.berth.common.sigv4;
