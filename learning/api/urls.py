from rest_framework.routers import DefaultRouter

from .views import KnowledgeUnitViewSet, ResourceViewSet, SubjectViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("learning/subjects", SubjectViewSet, basename="api-learning-subject")
router.register("learning/knowledge-units", KnowledgeUnitViewSet, basename="api-learning-knowledge-unit")
router.register("learning/resources", ResourceViewSet, basename="api-learning-resource")

urlpatterns = router.urls
