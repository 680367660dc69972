"""The queries of the resource lists: one SQLAlchemy Core ``Select`` per list, its column
labels the response model's field names (``finops.api.paging.answer_list`` pages, sorts and
downloads them). Row-level security scopes every one of them to the request's team scope."""
