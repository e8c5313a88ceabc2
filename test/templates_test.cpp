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
      .respond_with_template(
          200,
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
  const auto detail = [&](const char* path) {
    return Json::parse(client.Get(path)->body)["detail"].get<std::string>();
  };
  EXPECT_EQ(detail("/tag"), "template tags ({% ... %}) are not supported; only {{ request.* }} lookups are");
  EXPECT_EQ(detail("/filter"),
            "cannot read the expression \" request.path | upper \": unknown filter 'upper': the only "
            "filter is 'raw' (Jinja2's 'safe'), which writes the value unescaped");
  EXPECT_EQ(detail("/open"), "unclosed '{{' at offset 0");
  EXPECT_EQ(detail("/root"), "'response' is undefined: templates can read request.* only");
}

// Issue 25: `Hello {{ request.query.name }}` served as text/html reflected a script onto
// mockhttp's own origin.
TEST_F(Templates, AnHtmlAnswerEscapesEverySubstitution) {
  server.when_requested_with(Request{}.path("/hello"))
      .respond_with_template(200, "<p>Hello {{ request.query.name }}</p>",
                             {{"Content-Type", "Text/HTML; charset=utf-8"}});
  const auto res = client.Get("/hello?name=%3Cscript%3Ealert('x')%26%22%3C%2Fscript%3E");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->body, "<p>Hello &lt;script&gt;alert(&#39;x&#39;)&amp;&#34;&lt;/script&gt;</p>");
}

TEST_F(Templates, TheRawFilterWritesAValueUnescaped) {
  server.when_requested_with(Request{}.path("/raw"))
      .respond_with_template(200, "{{ request.query.html | raw }}|{{request.query.html|safe}}|{{ request.query.html }}",
                             {{"Content-Type", "text/html"}});
  EXPECT_EQ(client.Get("/raw?html=%3Cb%3E")->body, "<b>|<b>|&lt;b&gt;");
}

TEST_F(Templates, EveryDocumentTypeABrowserRunsScriptInIsEscapedAndNoOtherType) {
  const std::string name = "%3Ci%20a%3D%22'%22%3E";  // <i a="'">
  const auto rendered = [&](const std::string& content_type) {
    Headers headers;
    if (!content_type.empty()) headers.emplace_back("Content-Type", content_type);
    server.reset();
    server.when_requested_with(Request{}.path("/t")).respond_with_template(200, "{{ request.query.n }}", headers);
    return client.Get("/t?n=" + name)->body;
  };
  const std::string escaped = "&lt;i a=&#34;&#39;&#34;&gt;";
  const std::string as_is = "<i a=\"'\">";
  for (const char* type :
       {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "application/atom+xml"}) {
    EXPECT_EQ(rendered(type), escaped) << type;
  }
  for (const char* type : {"application/json", "text/plain", "application/vnd.api+json", "text/csv", ""}) {
    EXPECT_EQ(rendered(type), as_is) << "unchanged for '" << type << "'";
  }
}

TEST_F(Templates, ANonStringValueInHtmlIsEscapedJson) {
  server.when_requested_with(Request{}.path("/v"))
      .respond_with_template(200, "<pre>{{ request.body.obj }}</pre>", {{"Content-Type", "text/html"}});
  EXPECT_EQ(client.Post("/v", R"({"obj": {"a": "<b>"}})", "application/json")->body,
            "<pre>{&#34;a&#34;:&#34;&lt;b&gt;&#34;}</pre>");
}

TEST_F(Templates, AFilterOtherThanRawIsRefusedAfterItToo) {
  server.when_requested_with(Request{}.path("/f")).respond_with_template(200, "{{ request.path | raw | upper }}");
  server.when_requested_with(Request{}.path("/q")).respond_with_template(200, "{{ request.headers['a|b'] | raw }}");
  const auto detail = [&](const char* path) {
    return Json::parse(client.Get(path)->body)["detail"].get<std::string>();
  };
  EXPECT_EQ(detail("/f"),
            "cannot read the expression \" request.path | raw | upper \": unknown filter 'upper': the "
            "only filter is 'raw' (Jinja2's 'safe'), which writes the value unescaped");
  EXPECT_EQ(client.Get("/q", {{"a|b", "x"}})->body, "x") << "a '|' inside a quoted key is not a filter";
}

TEST_F(Templates, AnHtmlTemplateBodyOverHttpIsEscapedToo) {
  const auto created = curl_request("POST", server.url() + "/__mock__/stubs",
                                    R"({"request": {"path": "/page"}, "action": {"response": {"status_code": 200,
                                        "headers": {"Content-Type": "text/html"},
                                        "template_body": "Hello {{ request.query.name }}"}}})",
                                    {"Content-Type: application/json"});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(curl_request("GET", server.url() + "/page?name=%3Cscript%3E").body, "Hello &lt;script&gt;");
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
