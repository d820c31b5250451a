from edudx.core.admin_site import LookupAdmin, admin_site

from .models import CouncilMember, KnowledgeUnit, Question, QuestionBank, Resource, Review, Subject, Topic


class TopicAdmin(LookupAdmin):
    list_display = ["code", "name", "subject", "grade"]
    list_filter = ["subject", "grade"]
    search_fields = ["code", "name"]


class KnowledgeUnitAdmin(LookupAdmin):
    list_display = ["code", "name", "topic"]
    list_filter = ["topic__subject", "topic__grade"]
    search_fields = ["code", "name"]


class ResourceAdmin(LookupAdmin):
    list_display = ["title", "kind", "subject", "grade", "org_unit", "audience", "status"]
    list_filter = ["status", "kind", "audience", "subject"]
    search_fields = ["title", "uid"]


class QuestionAdmin(LookupAdmin):
    list_display = ["name", "qtype", "level", "bank", "status"]
    list_filter = ["status", "qtype", "level"]
    search_fields = ["name"]


admin_site.register(Subject, LookupAdmin)
admin_site.register(Topic, TopicAdmin)
admin_site.register(KnowledgeUnit, KnowledgeUnitAdmin)
admin_site.register(Resource, ResourceAdmin)
admin_site.register(QuestionBank, LookupAdmin)
admin_site.register(Question, QuestionAdmin)
admin_site.register(CouncilMember, LookupAdmin)
admin_site.register(Review, LookupAdmin)
