package io.berth.agent.images;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ReadAheadInputStreamTest
{
    @Test
    void passesEveryByteInOrder()
            throws IOException
    {
        byte[] content = new byte[1_000_003];
        new Random(7).nextBytes(content);

        try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(content), 4096, 3)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aFailureOfTheSourceReachesTheReaderAfterWhatCameBefore()
            throws IOException
    {
        InputStream failing = new InputStream()
        {
            private int left = 10_000;

            @Override
            public int read()
                    throws IOException
            {
                if (left <= 0) {
                    throw new IOException("corrupt gzip stream");
                }
                left--;
                return 'x';
            }
        };
        try (InputStream in = new ReadAheadInputStream(failing, 1024, 2)) {
            assertThat(in.readNBytes(9_000)).hasSize(9_000);
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessage("corrupt gzip stream");
        }
    }

    @Test
    void anEndlessSourceGetsOnlyAFewChunksAheadAndStopsWhenClosed()
    {
        AtomicLong produced = new AtomicLong();
        AtomicBoolean sourceClosed = new AtomicBoolean();
        InputStream endless = new InputStream()
        {
            @Override
            public int read()
            {
                produced.incrementAndGet();
                return 0;
            }

            @Override
            public void close()
            {
                sourceClosed.set(true);
            }
        };
        ReadAheadInputStream in = new ReadAheadInputStream(endless, 1000, 4);
        await().until(() -> produced.get() >= 4000);

        // four chunks queued and one being read: never more
        assertThat(produced.get()).isLessThanOrEqualTo(6000);
        in.close();
        assertThat(sourceClosed).isTrue();
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }
}
