package io.berth.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or "development" when run from classes. */
public final class BerthVersion
        implements IVersionProvider
{
    @Override
    public String[] getVersion()
    {
        String version = BerthVersion.class.getPackage().getImplementationVersion();
        return new String[] {"berth " + (version == null ? "development" : version)};
    }
}
