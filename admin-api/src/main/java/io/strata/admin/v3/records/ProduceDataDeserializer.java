package io.strata.admin.v3.records;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;

/**
 * The {@code data} of a v3 produce request's key or value, as a JSON tree like Jackson's own JSON node binding
 * (JSON null is a null node). In a streaming produce, whose body is a {@link RetainedInput} (set as the reader's
 * attribute of that class), a plain ASCII string such as a base64 value is taken from the body's bytes instead of
 * being decoded by the parser; everywhere else, and for any other string, the parser decodes it.
 */
public final class ProduceDataDeserializer extends ValueDeserializer<JsonNode> {

    @Override
    public JsonNode deserialize(JsonParser parser, DeserializationContext context) {
        if (parser.currentToken() == JsonToken.VALUE_STRING
                && context.getAttribute(RetainedInput.class) instanceof RetainedInput body) {
            String text;
            try {
                text = body.asciiStringAt(parser.currentTokenLocation().getByteOffset());
            } catch (java.io.IOException e) {
                throw tools.jackson.core.exc.JacksonIOException.construct(e);
            }
            if (text != null) {
                return JsonNodeFactory.instance.stringNode(text); // the parser skips the string as unread
            }
        }
        return context.readTree(parser);
    }

    @Override
    public JsonNode getNullValue(DeserializationContext context) {
        return NullNode.getInstance();
    }
}
