package io.strata.platform.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ACLs while the cluster has no authorizer: valid requests answer as kafka-rest does when security is disabled
 * (400/40002), invalid values are refused before the cluster is asked.
 */
class AclsV3Test extends HttpPlatformTestBase {
    private static final String ACL = "{\"resource_type\":\"TOPIC\",\"resource_name\":\"orders\","
            + "\"pattern_type\":\"LITERAL\",\"principal\":\"User:alice\",\"host\":\"*\","
            + "\"operation\":\"READ\",\"permission\":\"ALLOW\"}";

    @Test
    void listingAclsWithoutAnAuthorizerSaysSecurityIsDisabled() {
        assertSecurityDisabled(http().get(v3("/acls")));
        assertSecurityDisabled(http().get(v3("/acls?resource_type=TOPIC&resource_name=orders&pattern_type=MATCH"
                + "&principal=User%3Aalice&host=*&operation=READ&permission=ALLOW")));
        assertSecurityDisabled(http().get(v3("/acls?pattern_type=PREFIXED&resource_type=GROUP")));
        assertSecurityDisabled(http().get(v3("/acls?pattern_type=ANY&operation=ANY&permission=ANY")));
    }

    @Test
    void creatingAclsWithoutAnAuthorizerSaysSecurityIsDisabled() {
        assertSecurityDisabled(http().post(v3("/acls"), ACL));
        assertSecurityDisabled(http().post(v3("/acls:batch"), "{\"data\":[" + ACL + ","
                + ACL.replace("TOPIC", "GROUP").replace("READ", "DESCRIBE") + "]}"));
    }

    @Test
    void deletingAclsWithoutAnAuthorizerSaysSecurityIsDisabled() {
        assertSecurityDisabled(http().delete(v3("/acls?resource_type=TOPIC&resource_name=orders&pattern_type=LITERAL"
                + "&principal=User%3Aalice&host=*&operation=READ&permission=ALLOW")));
        assertSecurityDisabled(http().delete(v3("/acls?resource_type=ANY&pattern_type=MATCH&operation=ANY&permission=ANY")));
    }

    @Test
    void unknownFilterValuesAreBadRequests() {
        assertBadRequest(http().get(v3("/acls?operation=JUGGLE")), 400, "JUGGLE");
        assertBadRequest(http().get(v3("/acls?resource_type=PLANET")), 400, "PLANET");
        assertBadRequest(http().get(v3("/acls?pattern_type=FUZZY")), 400, "FUZZY");
        assertBadRequest(http().get(v3("/acls?permission=MAYBE")), 400, "MAYBE");
        assertBadRequest(http().get(v3("/acls?resource_type=UNKNOWN")), 400, "resource_type");
    }

    @Test
    void deletingNeedsTheRequiredCriteria() {
        assertBadRequest(http().delete(v3("/acls?pattern_type=LITERAL&operation=READ&permission=ALLOW")), 400,
                "resource_type");
        assertBadRequest(http().delete(v3("/acls?resource_type=TOPIC&operation=READ&permission=ALLOW")), 400,
                "pattern_type");
        assertBadRequest(http().delete(v3("/acls?resource_type=UNKNOWN&pattern_type=LITERAL&operation=READ"
                + "&permission=ALLOW")), 400, "resource_type cannot be unspecified or UNKNOWN");
    }

    @Test
    void aclsThatCannotExistAreRefusedBeforeTheClusterIsAsked() {
        assertBadRequest(http().post(v3("/acls"), ACL.replace("\"TOPIC\"", "\"CLUSTER\"")), 40002,
                "The only valid name for the CLUSTER resource is kafka-cluster");
        assertBadRequest(http().post(v3("/acls"), ACL.replace("LITERAL", "MATCH")), 40002, "pattern_type");
        assertBadRequest(http().post(v3("/acls"), ACL.replace("\"READ\"", "\"ANY\"")), 40002, "operation");
        assertBadRequest(http().post(v3("/acls"), ACL.replace("ALLOW", "ANY")), 40002, "permission");
        assertBadRequest(http().post(v3("/acls"), ACL.replace("User:alice", "alice")), 40002, "principal");
        assertBadRequest(http().post(v3("/acls"), ACL.replace("\"TOPIC\"", "\"ANY\"")), 40002, "resource_type");
        assertBadRequest(http().post(v3("/acls"), ACL.replace(",\"host\":\"*\"", "")), 40002, "host");
        assertBadRequest(http().post(v3("/acls"), ACL.replace("\"*\"", "\" \"")), 40002, "host");
        assertBadRequest(http().post(v3("/acls:batch"), "{\"data\":[" + ACL + "," + ACL.replace("LITERAL", "ANY")
                + "]}"), 40002, "pattern_type");
        assertThat(http().post(v3("/acls"), ACL.replace("READ", "JUGGLE")).status()).isEqualTo(400);
        assertThat(http().post(v3("/acls"), "{\"resource_type\":").status()).isEqualTo(400);
        assertThat(http().post(v3("/acls:batch"), "{}").status()).isEqualTo(400);
    }

    @Test
    void aclsOfAnUnknownClusterAreNotFound() {
        assertThat(http().get("/v3/clusters/elsewhere/acls").status()).isEqualTo(404);
        assertThat(http().post("/v3/clusters/elsewhere/acls", ACL).status()).isEqualTo(404);
    }

    private static void assertSecurityDisabled(HttpTestClient.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(40002);
        assertThat(response.json().get("message").asString())
                .isEqualTo("No authorizer is configured on the cluster (security is disabled)");
    }

    private static void assertBadRequest(HttpTestClient.Response response, int errorCode, String inMessage) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error_code").asInt()).as(response.toString()).isEqualTo(errorCode);
        assertThat(response.json().get("message").asString()).contains(inMessage);
    }
}
