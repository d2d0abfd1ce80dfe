package io.berth.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or "development" when run from classes. */
public final class BerthVersion
        implements IVersionProvider
{
    @Override
    public String[] getVersion()
    {
        return new String[] {"berth " + current()};
    }

    /** This build's version: what an agent announces as its host's agentVersion. */
    public static String current()
    {
        String version = BerthVersion.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
