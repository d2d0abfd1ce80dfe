package io.berth.e2e;

import io.berth.common.files.FileTrees;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Puts the busybox test image into a Berth's local registry. */
final class TestImagesForBerth
{
    private TestImagesForBerth() {}

    static String pushBusybox(String registryAddress, String repoTag)
            throws IOException
    {
        Path layout = Files.createTempDirectory("berth-e2e-image");
        try {
            OciLayoutImage image = TestImages.buildOciLayout(layout.resolve("layout"), "latest", TestImageConfig.busybox());
            return TestImages.push(image, registryAddress, repoTag);
        }
        finally {
            FileTrees.deleteRecursively(layout);
        }
    }
}
