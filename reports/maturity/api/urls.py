from rest_framework.routers import DefaultRouter

from .views import AssessmentViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("dx-assessments", AssessmentViewSet, basename="api-dx-assessment")

urlpatterns = router.urls
