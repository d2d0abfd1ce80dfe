package io.berth.agent.metadata;

import io.berth.agent.metadata.MetadataRequest.Resource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MetadataRequestTest
{
    @Test
    void pathsOfVersion4And3SelectTheResource()
    {
        assertThat(MetadataRequest.parse("/v4/tok")).contains(new MetadataRequest("tok", Resource.CONTAINER));
        assertThat(MetadataRequest.parse("/v4/tok/")).contains(new MetadataRequest("tok", Resource.CONTAINER));
        assertThat(MetadataRequest.parse("/v4/tok/task")).contains(new MetadataRequest("tok", Resource.TASK));
        assertThat(MetadataRequest.parse("/v4/tok/stats")).contains(new MetadataRequest("tok", Resource.CONTAINER_STATS));
        assertThat(MetadataRequest.parse("/v4/tok/task/stats")).contains(new MetadataRequest("tok", Resource.TASK_STATS));
        assertThat(MetadataRequest.parse("/v3/tok/task")).contains(new MetadataRequest("tok", Resource.TASK));
    }

    @Test
    void otherPathsAreNotMetadata()
    {
        assertThat(MetadataRequest.parse("/")).isEmpty();
        assertThat(MetadataRequest.parse("/v4/")).isEmpty();
        assertThat(MetadataRequest.parse("/v2/metadata")).isEmpty();
        assertThat(MetadataRequest.parse("/v4/tok/credentials")).isEmpty();
        assertThat(MetadataRequest.parse("/v4/tok/task/other")).isEmpty();
    }
}
