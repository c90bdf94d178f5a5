package io.strata.engine.network;

import io.strata.engine.log.segment.FileSlice;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Gives back the segment references of a response's record slices when the response is not sent (no one to
 * receive it, or its serialization failed). Fetch is the only response carrying segment slices. Releasing a
 * slice twice is harmless, so this may follow a partial write.
 */
final class ResponseRecords {

    private ResponseRecords() {
    }

    static void release(ApiMessage body) {
        if (body instanceof FetchResponseData fetch) {
            for (FetchResponseData.FetchableTopicResponse topic : fetch.responses()) {
                for (FetchResponseData.PartitionData partition : topic.partitions()) {
                    FileSlice.releaseIfSlice(partition.records());
                }
            }
        }
    }
}
