"""The criteria set of Decision 4725/QĐ-BGDĐT (30/12/2022) as data: loaded by a data migration and by
``manage.py load_dx_criteria`` (both idempotent, through ``reports.maturity.loader``).

The decision's appendix is not in our hands: the texts below are written from its known content (two groups,
digital transformation in teaching and learning and in school management, 100 points each; infrastructure,
digital learning resources, online teaching, management software, e-transcripts, e-contact book, cashless
payments, online public services, internet, digital skills, information security). When the official wording
is loaded it becomes a new version of the same code; assessments keep the version they were made with.

``measure`` names a rule of ``reports.maturity.scoring.MEASURES``: those criteria are pre-filled from the
stored indicator values of the school.
"""

from __future__ import annotations

CODE = "QD4725"
VERSION = 1
NAME = "Bộ chỉ số đánh giá chuyển đổi số cơ sở giáo dục phổ thông và giáo dục thường xuyên"
SOURCE = "Quyết định số 4725/QĐ-BGDĐT ngày 30/12/2022 của Bộ Giáo dục và Đào tạo"

# (code, component, text, max points, evidence required, measure)
TEACHING = [
    (
        "DH1",
        "Hạ tầng, thiết bị phục vụ dạy, học",
        "Nhà trường có phòng Tin học (phòng máy tính) đáp ứng yêu cầu dạy học môn Tin học và hoạt động giáo dục "
        "có ứng dụng công nghệ thông tin.",
        10,
        True,
        "computer_room",
    ),
    (
        "DH2",
        "Hạ tầng, thiết bị phục vụ dạy, học",
        "Trường và các điểm trường có kết nối Internet (ưu tiên cáp quang) đáp ứng dạy, học trực tuyến.",
        10,
        True,
        "internet",
    ),
    (
        "DH3",
        "Hạ tầng, thiết bị phục vụ dạy, học",
        "Các phòng học được trang bị thiết bị trình chiếu (máy chiếu, ti vi, bảng tương tác) phục vụ dạy học.",
        8,
        True,
        "",
    ),
    (
        "DH4",
        "Học liệu số",
        "Giáo viên xây dựng bài giảng điện tử, học liệu số và chia sẻ trên kho học liệu số dùng chung của ngành.",
        10,
        True,
        "",
    ),
    (
        "DH5",
        "Học liệu số",
        "Nhà trường sử dụng ngân hàng câu hỏi trực tuyến; tổ chức kiểm tra, đánh giá trên môi trường số.",
        8,
        True,
        "",
    ),
    (
        "DH6",
        "Dạy, học trực tuyến",
        "Nhà trường triển khai hệ thống quản lý học tập trực tuyến (LMS) và phần mềm dạy học trực tuyến.",
        8,
        True,
        "",
    ),
    (
        "DH7",
        "Dạy, học trực tuyến",
        "Tỉ lệ nội dung chương trình được dạy trực tuyến đạt mục tiêu của Đề án (tiểu học 5 %, trung học 10 %).",
        10,
        False,
        "online_teaching",
    ),
    (
        "DH8",
        "Dạy, học trực tuyến",
        "Tỉ lệ hoạt động tương tác trực tuyến trong dạy học đạt mục tiêu (tiểu học 10 %, trung học 20 %).",
        8,
        False,
        "online_interactive",
    ),
    (
        "DH9",
        "Dạy, học trực tuyến",
        "Học sinh có thiết bị và kết nối Internet để tham gia học trực tuyến.",
        6,
        False,
        "online_ready_students",
    ),
    (
        "DH10",
        "Năng lực số",
        "Giáo viên đủ năng lực tổ chức dạy học trực tuyến.",
        8,
        False,
        "online_ready_teachers",
    ),
    (
        "DH11",
        "Năng lực số",
        "Giáo viên có tài khoản và tham gia tự bồi dưỡng trên hệ thống bồi dưỡng trực tuyến.",
        6,
        False,
        "self_training",
    ),
    (
        "DH12",
        "Năng lực số",
        "Học sinh được giáo dục kỹ năng số, sử dụng Internet an toàn và có trách nhiệm.",
        8,
        True,
        "",
    ),
]

MANAGEMENT = [
    (
        "QT1",
        "Chỉ đạo, tổ chức thực hiện",
        "Nhà trường ban hành kế hoạch chuyển đổi số hằng năm, phân công lãnh đạo phụ trách và cán bộ phụ trách "
        "công nghệ thông tin.",
        8,
        True,
        "",
    ),
    (
        "QT2",
        "Phần mềm và cơ sở dữ liệu",
        "Nhà trường sử dụng phần mềm quản trị nhà trường.",
        10,
        True,
        "mis",
    ),
    (
        "QT3",
        "Phần mềm và cơ sở dữ liệu",
        "Hồ sơ số của học sinh, cán bộ, giáo viên được cập nhật đầy đủ, đúng hạn trên cơ sở dữ liệu ngành.",
        10,
        False,
        "digital_records",
    ),
    (
        "QT4",
        "Phần mềm và cơ sở dữ liệu",
        "Tài sản, thiết bị của nhà trường được quản lý bằng phần mềm với hồ sơ số đầy đủ.",
        6,
        False,
        "facility_records",
    ),
    (
        "QT5",
        "Hồ sơ điện tử",
        "Nhà trường triển khai học bạ số cho học sinh.",
        10,
        True,
        "e_transcript",
    ),
    (
        "QT6",
        "Hồ sơ điện tử",
        "Nhà trường triển khai sổ liên lạc điện tử với cha mẹ học sinh.",
        8,
        True,
        "e_contact_book",
    ),
    (
        "QT7",
        "Dịch vụ số",
        "Nhà trường thu học phí và các khoản thu khác bằng hình thức không dùng tiền mặt.",
        10,
        True,
        "cashless",
    ),
    (
        "QT8",
        "Dịch vụ số",
        "Thủ tục hành chính của nhà trường (tuyển sinh, chuyển trường, cấp bản sao văn bằng) được giải quyết "
        "qua dịch vụ công trực tuyến.",
        8,
        True,
        "online_services",
    ),
    (
        "QT9",
        "Dịch vụ số",
        "Cán bộ quản lý, giáo viên có chữ ký số; văn bản, hồ sơ được ký và lưu trữ điện tử.",
        8,
        True,
        "digital_signature",
    ),
    (
        "QT10",
        "Hạ tầng phục vụ quản trị",
        "Bộ phận quản lý có máy tính, mạng nội bộ và kết nối Internet đáp ứng công tác quản trị.",
        6,
        True,
        "",
    ),
    (
        "QT11",
        "Nhân lực và an toàn thông tin",
        "Cán bộ, giáo viên, nhân viên được bồi dưỡng kỹ năng số.",
        8,
        False,
        "digital_skills",
    ),
    (
        "QT12",
        "Nhân lực và an toàn thông tin",
        "Nhà trường bảo đảm an toàn thông tin và bảo vệ dữ liệu cá nhân theo quy định.",
        8,
        True,
        "",
    ),
]


def rows() -> list[dict]:
    """Every criterion as a dict of ``Criterion`` fields (without the set), in order."""
    result = []
    for group, criteria in (("teaching", TEACHING), ("management", MANAGEMENT)):
        for order, (code, component, text, points, evidence, measure) in enumerate(criteria, start=1):
            result.append(
                {
                    "group": group,
                    "code": code,
                    "order": order,
                    "component": component,
                    "text": text,
                    "max_points": points,
                    "evidence_required": evidence,
                    "measure": measure,
                }
            )
    return result


DEFINITION = {"code": CODE, "version": VERSION, "name": NAME, "source": SOURCE, "criteria": rows()}
