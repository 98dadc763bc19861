from django.http import HttpResponseBadRequest, JsonResponse


def reject_nul_bytes(get_response):
    """Refuse parameters with NUL characters: PostgreSQL cannot store or compare
    them, and a request carrying one is never a real reader's (400, not 500)."""

    def middleware(request):
        values = [*request.GET.keys(), *(v for vs in request.GET.lists() for v in vs[1])]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values += [v for vs in request.POST.lists() for v in vs[1]]
        if "\x00" in request.path or any("\x00" in v for v in values):
            message = "参数含有无效字符 (NUL) · Parameters contain an invalid character (NUL)"
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message, "detail": {}}, status=400)
            return HttpResponseBadRequest(message)
        return get_response(request)

    return middleware
