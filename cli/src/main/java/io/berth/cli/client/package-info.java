/**
 * The berth CLI's connection to a control plane: SigV4-signed ECS JSON 1.1 calls and admin calls over the
 * JDK HttpClient, configured like the AWS CLI (environment variables), with errors turned into one-line
 * messages a user can act on.
 */
package io.berth.cli.client;
