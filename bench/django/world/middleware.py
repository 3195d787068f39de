"""Content-Length on every response, as the benchmark requires (gunicorn
would otherwise send chunked bodies). This is the one line of Django's
CommonMiddleware that matters here, without its APPEND_SLASH work."""


def content_length(get_response):
    def middleware(request):
        response = get_response(request)
        if not response.streaming and not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response

    return middleware
