// Templated bodies over real sockets: every lookup the reference's templates use, JSON bodies
// parsed on demand, and render errors as a clean 500, from C++ and from the HTTP API.
#include <gtest/gtest.h>
#include <httplib.h>

#include <mockhttp/mockhttp.hpp>

#include "support/control_server.hpp"
#include "support/curl_client.hpp"

using namespace mockhttp;
using Json = nlohmann::json;
using mockhttp::test::curl_request;

namespace {

class Templates : public ::testing::Test {
 protected:
  MockServer server{test::with_control_surfaces()};
  httplib::Client client{server.host(), server.port()};
};

TEST_F(Templates, QueryPathParamsHeadersAndJsonBodyAreRendered) {
  server.when_requested_with(Request{}.path("/users/{id}"))
      .respond_with_template(200,
                             R"({"id": "{{ request.path_params.id }}", "name": "{{request.query.name}}", )"
                             R"("trace": "{{ request.headers['x-request-id'] }}", "user": {{ request.body.user.id }}, )"
                             R"("method": "{{ request.method }}", "path": "{{ request.path }}", "first": "{{ request.body.tags.0 }}"})",
                             {{"Content-Type", "application/json"}});
  auto res = client.Post("/users/7?name=Ada", {{"X-Request-Id", "r-1"}}, R"({"user": {"id": 99}, "tags": ["a", "b"]})",
                         "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(Json::parse(res->body), Json::parse(R"({"id": "7", "name": "Ada", "trace": "r-1", "user": 99,
                                                    "method": "POST", "path": "/users/7", "first": "a"})"));
}

TEST_F(Templates, APlainBodyIsNeverRendered) {
  server.when_requested_with(Request{}.path("/plain")).respond_with(200, "{{ request.path }}");
  EXPECT_EQ(client.Get("/plain")->body, "{{ request.path }}");
}

TEST_F(Templates, NonStringValuesRenderAsJsonAndCommentsVanish) {
  server.when_requested_with(Request{}.path("/v"))
      .respond_with_template(200, "{# a comment #}{{ request.body.n }} {{ request.body.flag }} {{ request.body.obj }}");
  auto res = client.Post("/v", R"({"n": 1.5, "flag": true, "obj": {"a": [1]}})", "application/vnd.api+json");
  EXPECT_EQ(res->body, R"(1.5 true {"a":[1]})");
}

TEST_F(Templates, ABodyThatIsNotJsonIsTheRawText) {
  server.when_requested_with(Request{}.path("/raw")).respond_with_template(200, "got {{ request.body }}");
  EXPECT_EQ(client.Post("/raw", "plain words", "text/plain")->body, "got plain words");
}

TEST_F(Templates, AnUnknownVariableIsA500RenderErrorNamingIt) {
  server.when_requested_with(Request{}.path("/t")).respond_with_template(200, "{{ request.query.missing }}");
  auto res = client.Get("/t?other=1");
  ASSERT_EQ(res->status, 500);
  const Json body = Json::parse(res->body);
  EXPECT_EQ(body["error"], "TEMPLATE_RENDER_ERROR");
  EXPECT_EQ(body["detail"], "'request.query' has no key 'missing' (in {{ request.query.missing }})");
  EXPECT_EQ(server.requests().size(), 1u) << "the request is journaled all the same";
}

TEST_F(Templates, AJsonRequestWithAnInvalidBodyIsA500WhenTheTemplateReadsIt) {
  server.when_requested_with(Request{}.path("/body")).respond_with_template(200, "{{ request.body.a }}");
  server.when_requested_with(Request{}.path("/no-body")).respond_with_template(200, "{{ request.method }}");
  auto broken = client.Post("/body", "{not json", "application/json");
  ASSERT_EQ(broken->status, 500);
  EXPECT_EQ(Json::parse(broken->body),
            (Json{{"error", "TEMPLATE_RENDER_ERROR"}, {"detail", "Invalid JSON request body for JSON content-type"}}));
  // Unlike assertive-mock-api, a template that never reads the body does not care.
  EXPECT_EQ(client.Post("/no-body", "", "application/json")->body, "POST");
}

TEST_F(Templates, UnsupportedSyntaxIsAClearRenderError) {
  server.when_requested_with(Request{}.path("/tag")).respond_with_template(200, "{% if x %}y{% endif %}");
  server.when_requested_with(Request{}.path("/filter")).respond_with_template(200, "{{ request.path | upper }}");
  server.when_requested_with(Request{}.path("/open")).respond_with_template(200, "{{ request.path");
  server.when_requested_with(Request{}.path("/root")).respond_with_template(200, "{{ response.status }}");
  const auto detail = [&](const char* path) { return Json::parse(client.Get(path)->body)["detail"].get<std::string>(); };
  EXPECT_EQ(detail("/tag"), "template tags ({% ... %}) are not supported; only {{ request.* }} lookups are");
  EXPECT_EQ(detail("/filter"), "cannot read the expression \" request.path | upper \": unexpected '|': filters are not supported");
  EXPECT_EQ(detail("/open"), "unclosed '{{' at offset 0");
  EXPECT_EQ(detail("/root"), "'response' is undefined: templates can read request.* only");
}

TEST_F(Templates, TheInitStubsTemplateWorksOverHttp) {
  const auto created = curl_request("POST", server.url() + "/__mock__/stubs",
                                    R"({"request": {"path": "/user/{id}"}, "action": {"response": {"status_code": 200,
                                        "headers": {"Content-Type": "application/json"},
                                        "template_body": "{\"id\":\"{{ request.path_params.id }}\",\"name\":\"Joe Bloggs\"}"}}})",
                                    {"Content-Type: application/json"});
  ASSERT_EQ(created.status, 200) << created.body;
  const auto res = curl_request("GET", server.url() + "/user/31");
  EXPECT_EQ(Json::parse(res.body), (Json{{"id", "31"}, {"name", "Joe Bloggs"}}));
  EXPECT_EQ(res.header("content-type"), "application/json");
  const Json listed = Json::parse(curl_request("GET", server.url() + "/__mock__/stubs").body);
  EXPECT_TRUE(listed["stubs"][0]["action"]["response"].contains("template_body"));
}

}  // namespace
