package io.strata.platform.metadata;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Stores an ordered broker id list (replicas, ISR) as comma-separated text: portable across H2 and
 * PostgreSQL, and readable when inspecting the database by hand.
 */
@Converter
public class BrokerIdListConverter implements AttributeConverter<List<Integer>, String> {

    @Override
    public String convertToDatabaseColumn(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    @Override
    public List<Integer> convertToEntityAttribute(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        String[] parts = text.split(",");
        List<Integer> ids = new ArrayList<>(parts.length);
        for (String part : parts) {
            ids.add(Integer.parseInt(part.trim()));
        }
        return List.copyOf(ids);
    }
}
