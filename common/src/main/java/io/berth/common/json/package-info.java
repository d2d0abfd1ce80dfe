/** The shared Jackson configuration for Berth's own JSON documents. */
package io.berth.common.json;
